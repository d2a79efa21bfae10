# Allow Agora's Notifications (NCS) webhook senders through to an HTTPS receiver in a GCP VPC
# network.
#
# The address list is cut into chunks of at most 256 CIDR blocks and each chunk gets its own
# INGRESS firewall rule on the instances tagged var.target_tags. A rule's source ranges must all
# be of one address family, so IPv6 addresses get rules of their own.
#
# Run it on a schedule (at least every 24 hours, as Agora asks). Credentials for Agora come from
# AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, for Google Cloud from Application Default
# Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default login, or the
# runner's service account).

terraform {
  required_version = ">= 1.5"

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

provider "agora" {}

provider "google" {
  project = var.project # null: GOOGLE_PROJECT or the credentials' project
}

data "agora_ncs_ips" "ncs" {
  # Source ranges per firewall rule: 256.
  chunk_size = 256
  # Merge adjacent addresses into the fewest CIDR blocks covering exactly the same addresses.
  aggregate = true
  # An answer with fewer addresses than this fails the run instead of shrinking the allow-list.
  min_count = var.min_count
}

resource "google_compute_firewall" "agora_ncs_ipv4" {
  count = length(data.agora_ncs_ips.ncs.cidr_block_chunks)

  name        = "${var.name_prefix}-ipv4-${count.index}"
  description = "Agora Notifications (NCS) webhook senders, IPv4 chunk ${count.index}, managed by Terraform (${data.agora_ncs_ips.ncs.fingerprint})"
  network     = var.network
  direction   = "INGRESS"
  priority    = var.priority

  allow {
    protocol = "tcp"
    ports    = [tostring(var.port)]
  }

  source_ranges = data.agora_ncs_ips.ncs.cidr_block_chunks[count.index]
  target_tags   = var.target_tags
}

resource "google_compute_firewall" "agora_ncs_ipv6" {
  count = length(data.agora_ncs_ips.ncs.ipv6_cidr_block_chunks)

  name        = "${var.name_prefix}-ipv6-${count.index}"
  description = "Agora Notifications (NCS) webhook senders, IPv6 chunk ${count.index}, managed by Terraform (${data.agora_ncs_ips.ncs.fingerprint})"
  network     = var.network
  direction   = "INGRESS"
  priority    = var.priority

  allow {
    protocol = "tcp"
    ports    = [tostring(var.port)]
  }

  source_ranges = data.agora_ncs_ips.ncs.ipv6_cidr_block_chunks[count.index]
  target_tags   = var.target_tags
}
