# A small module that turns Agora's Notifications IPs into an nginx allow-list (`allow` lines),
# and the way to test such a module with `terraform test` without reaching Agora: see
# tests/allow_list.tftest.hcl and README.md.

terraform {
  required_version = ">= 1.7" # mock_provider and override_data

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
  }
}

data "agora_ncs_ips" "ncs" {
  service    = var.service
  min_count  = var.min_count
  aggregate  = true
  chunk_size = 1000
}

locals {
  cidrs = concat(data.agora_ncs_ips.ncs.cidr_blocks, data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
}
