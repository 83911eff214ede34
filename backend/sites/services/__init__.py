"""Every write to sites, one module per use case; each is atomic and records its SiteEvent.

`schedule` keeps each site's next visit due from its inspection plan,
`permit_sync` makes every permit a site, `lifecycle` records the others
(notices, patrols) and moves sites through their life, `plans` adds versions
of a ward's inspection plan, `scan` is the hourly pass.
"""
