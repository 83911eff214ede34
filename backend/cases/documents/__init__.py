"""Pre-filled, editable DOCX of the standard forms, from what the case already holds.

MBB01 (violation record), MQĐ02 (sanction decision) and MQĐ11 (enforcement
decision) follow the structure of the forms in the appendix of Decree
118/2021/NĐ-CP. The text of an official form is Vietnamese whatever language
the page is shown in, so their wording is written in Vietnamese, not
translated. A form that lacks data it needs is refused with the list of what
to fill in (DocumentDataMissing), never produced blank.

generation makes the file; each form has its own module, built from the
DOCX primitives and the sections the forms share.
"""
