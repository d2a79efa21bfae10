# Allow Agora's Notifications (NCS) webhook senders through to an HTTPS receiver in AWS.
#
# The address list is cut into chunks of at most 50 CIDRs and each chunk gets its own security
# group (AWS allows 60 inbound rules per group, counted separately for IPv4 and IPv6). Attach all
# of them to the receiver, e.g. via the `security_group_ids` output.
#
# Run it on a schedule (at least every 24 hours, as Agora asks): when Agora changes its addresses
# the plan shows exactly which CIDRs come and go. Credentials for Agora come from
# AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, for AWS from the usual AWS_* variables or profile.

terraform {
  required_version = ">= 1.5"

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "agora" {}

provider "aws" {}

data "agora_ncs_ips" "ncs" {
  chunk_size = 50
  # An answer with fewer addresses than this fails the run instead of shrinking the allow-list.
  min_count = var.min_count
}

locals {
  ipv4_chunks = data.agora_ncs_ips.ncs.cidr_block_chunks
  ipv6_chunks = data.agora_ncs_ips.ncs.ipv6_cidr_block_chunks
  # Group i holds IPv4 chunk i and IPv6 chunk i; either may be missing.
  group_count = max(length(local.ipv4_chunks), length(local.ipv6_chunks))
}

resource "aws_security_group" "agora_ncs" {
  count = local.group_count

  # name_prefix (not name) so a replacement can be created before the old group is destroyed.
  name_prefix = "${var.name_prefix}-${count.index}-"
  description = "Agora Notifications (NCS) webhook senders, managed by Terraform"
  vpc_id      = var.vpc_id

  ingress {
    description      = "Agora NCS webhooks (chunk ${count.index})"
    from_port        = var.port
    to_port          = var.port
    protocol         = "tcp"
    cidr_blocks      = try(local.ipv4_chunks[count.index], [])
    ipv6_cidr_blocks = try(local.ipv6_chunks[count.index], [])
  }

  tags = merge(var.tags, {
    Name                    = "${var.name_prefix}-${count.index}"
    "agora:ncs-fingerprint" = data.agora_ncs_ips.ncs.fingerprint
  })

  lifecycle {
    create_before_destroy = true
  }
}
