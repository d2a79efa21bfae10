# Quickstart: read the addresses Agora's Notifications (NCS) service sends webhooks from.
#
#   export AGORA_CUSTOMER_ID=...      # "Key" in key_and_secret.txt (Agora Console, RESTful API)
#   export AGORA_CUSTOMER_SECRET=...  # "Secret" in the same file
#   terraform init && terraform apply
#
# Then feed the outputs into your firewall (see ../aws-security-group for a complete example).

terraform {
  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment variables AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET,
# so they never end up in configuration files. Endpoints default to https://api.agora.io, then
# https://api.sd-rtn.com (override with AGORA_ENDPOINTS).
provider "agora" {}

# Every address Agora publishes, sorted and de-duplicated. The read fails (rather than returning
# an empty list) if Agora answers with no addresses.
data "agora_ncs_ips" "ncs" {}
