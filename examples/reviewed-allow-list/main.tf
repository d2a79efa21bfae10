# Allow Agora's Notifications (NCS) webhook senders through to an HTTPS receiver in AWS, with
# every change of Agora's addresses reviewed before it reaches the firewall.
#
# agora_ncs_ip_set keeps the allow-list in Terraform state. A pipeline runs
# `terraform plan -detailed-exitcode -out=tfplan` every 6 hours; when Agora has changed its
# addresses the plan names them, someone reviews the diff and applies the saved plan. See
# README.md for the pipeline.
#
# Credentials for Agora come from AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, for AWS from the
# usual AWS_* variables or profile.

terraform {
  required_version = ">= 1.5" # import blocks

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

resource "agora_ncs_ip_set" "ncs" {
  service = "rtc" # the import block below uses the same ID

  # An answer with fewer addresses than this fails the plan instead of shrinking the allow-list.
  min_count = var.min_count

  # A plan that would drop more than this share of the published addresses fails, listing them.
  # Accept an expected large removal for one run with -var max_removed_percent=100 (README.md).
  max_removed_percent = var.max_removed_percent

  # While Agora cannot be read, plan no change and warn: the last reviewed list stays.
  on_fetch_error = "keep"

  # An address Agora stops publishing stays allowed 72 more hours, so rotations overlap.
  grace_period = "72h"

  # AWS allows 60 inbound rules per security group (counted separately for IPv4 and IPv6) and
  # every CIDR block is one rule; var.reserved_rules stay free for rules of your own.
  chunk_size = 60 - var.reserved_rules
}

# The first plan imports the set instead of creating it: the import reads Agora's list during
# that plan, so the plan already shows every CIDR block the security groups get. (A create
# would leave them "known after apply", which `count` below cannot use.) Once the set is in
# state this block does nothing; keep it or delete it.
import {
  to = agora_ncs_ip_set.ncs
  id = "rtc"
}

locals {
  ipv4_chunks = agora_ncs_ip_set.ncs.cidr_block_chunks
  ipv6_chunks = agora_ncs_ip_set.ncs.ipv6_cidr_block_chunks
  # Group i holds IPv4 chunk i and IPv6 chunk i; either may be missing.
  group_count = max(length(local.ipv4_chunks), length(local.ipv6_chunks))
}

resource "aws_security_group" "agora_ncs" {
  count = local.group_count

  # name_prefix (not name) so a replacement can be created before the old group is destroyed.
  name_prefix = "${var.name_prefix}-${count.index}-"
  description = "Agora Notifications (NCS) webhook senders, reviewed allow-list managed by Terraform"
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
    "agora:ncs-fingerprint" = agora_ncs_ip_set.ncs.fingerprint
  })

  lifecycle {
    create_before_destroy = true
  }
}
