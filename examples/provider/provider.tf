terraform {
  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
  }
}

# customer_id and customer_secret come from AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, so they
# never end up in configuration files.
provider "agora" {
  region = "eu-central-1" # optional: adds Agora's regional domains to the failover chain
}
