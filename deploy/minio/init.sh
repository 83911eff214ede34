#!/bin/sh
# One-shot set-up of the object store (the compose service minio-init, on
# every `docker compose up`; each step is idempotent).
#
# The app never holds MinIO's root keys. It signs in as its own user, whose
# policy reaches only its bucket: it may read, list and write objects, and
# delete derivatives (previews, thumbnails), nothing else. So it can never
# delete an original photo or a workflow step's signed scan. PutObject would
# let it overwrite one, so the bucket is versioned: an overwrite keeps the
# earlier bytes as a version, and the app may not remove versions, set
# retention or change the bucket's settings. Only allowed actions are listed
# (no Deny statements): nothing not granted here is possible.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${MINIO_BUCKET:?}"
: "${MINIO_APP_ACCESS_KEY:?}" "${MINIO_APP_SECRET_KEY:?}"

mc alias set ttxd http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "ttxd/$MINIO_BUCKET"
mc anonymous set none "ttxd/$MINIO_BUCKET"
mc version enable "ttxd/$MINIO_BUCKET"

policy=/tmp/ttxd-app-policy.json
cat > "$policy" <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListTheBucket",
      "Effect": "Allow",
      "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
      "Resource": ["arn:aws:s3:::${MINIO_BUCKET}"]
    },
    {
      "Sid": "ReadAndWriteObjects",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
      "Resource": ["arn:aws:s3:::${MINIO_BUCKET}/*"]
    },
    {
      "Sid": "DeleteDerivatives",
      "Effect": "Allow",
      "Action": ["s3:DeleteObject"],
      "Resource": [
        "arn:aws:s3:::${MINIO_BUCKET}/photos/preview/*",
        "arn:aws:s3:::${MINIO_BUCKET}/photos/thumbnail/*"
      ]
    }
  ]
}
POLICY

# Re-created on every run, so a changed policy here takes effect on `up`.
mc admin policy create ttxd ttxd-app "$policy"
# Adds the user, or sets a changed secret key.
mc admin user add ttxd "$MINIO_APP_ACCESS_KEY" "$MINIO_APP_SECRET_KEY"
# Fails when the policy is attached already, so its status says nothing:
# the user's own policy list, read back below, is what counts.
mc admin policy attach ttxd ttxd-app --user "$MINIO_APP_ACCESS_KEY" || true
# Only the policyName field: the access key itself may well read "ttxd-app".
info=$(mc admin user info --json ttxd "$MINIO_APP_ACCESS_KEY" | tr -d '[:space:]')
policies=""
case "$info" in
  *'"policyName":"'*)
    policies=${info#*'"policyName":"'}
    policies=${policies%%'"'*}
    ;;
esac
case ",$policies," in
  *,ttxd-app,*) echo "minio-init: user $MINIO_APP_ACCESS_KEY has policy ttxd-app" ;;
  *)
    echo "minio-init: policy ttxd-app is not attached to $MINIO_APP_ACCESS_KEY" \
      "(its policies: ${policies:-none})" >&2
    exit 1
    ;;
esac
