# Allow Agora's Notifications (NCS) webhook senders through to an HTTPS receiver in AWS, through
# a customer-managed prefix list referenced by one security group rule per address family.
#
# The prefix list holds every Agora CIDR block; the security group gets a single rule that points
# at it, so the rule never changes when Agora's addresses do, and the same list can be referenced
# from other security groups, route tables or AWS Network Firewall. Note that a referenced prefix
# list counts as `max_entries` rules (not its current number of entries) against the security
# group's rule quota: `max_entries` is sized from the list plus headroom, see locals below.
#
# Run it on a schedule (at least every 24 hours, as Agora asks). Credentials for Agora come from
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
  # Merge adjacent addresses into the fewest CIDR blocks covering exactly the same addresses:
  # fewer entries, so a smaller max_entries and fewer security group rules consumed.
  aggregate = true
  # An answer with fewer addresses than this fails the run instead of shrinking the allow-list.
  min_count = var.min_count
}

locals {
  cidrs = {
    ipv4 = data.agora_ncs_ips.ncs.cidr_blocks
    ipv6 = data.agora_ncs_ips.ncs.ipv6_cidr_blocks
  }

  # The IPv4 list always exists (a stable ID to reference elsewhere); the IPv6 list only while
  # Agora publishes IPv6 addresses.
  families = {
    for family, cidrs in local.cidrs : family => {
      address_family = family == "ipv4" ? "IPv4" : "IPv6"
      cidrs          = cidrs
      # At least var.max_entries_headroom free entries, rounded up to a multiple of it, so that
      # one address more or less does not resize the list on every run. A resize is an in-place
      # update, but it changes how many rules every referencing security group uses.
      max_entries = ceil((length(cidrs) + var.max_entries_headroom) / var.max_entries_headroom) * var.max_entries_headroom
    }
    if family == "ipv4" || length(cidrs) > 0
  }
}

resource "aws_ec2_managed_prefix_list" "agora_ncs" {
  for_each = local.families

  name           = "${var.name_prefix}-${each.key}"
  address_family = each.value.address_family
  max_entries    = each.value.max_entries

  dynamic "entry" {
    for_each = each.value.cidrs
    content {
      cidr        = entry.value
      description = "Agora NCS webhook sender"
    }
  }

  tags = merge(var.tags, {
    Name                    = "${var.name_prefix}-${each.key}"
    "agora:ncs-fingerprint" = data.agora_ncs_ips.ncs.fingerprint
  })

  lifecycle {
    precondition {
      condition     = each.value.max_entries <= 1000
      error_message = "Agora publishes ${length(each.value.cidrs)} ${each.value.address_family} CIDR blocks: with the headroom that is ${each.value.max_entries} entries, more than a prefix list can hold (1000). Lower max_entries_headroom or split the list."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "agora_ncs" {
  for_each = aws_ec2_managed_prefix_list.agora_ncs

  security_group_id = var.security_group_id
  description       = "Agora NCS webhooks (${local.families[each.key].address_family} prefix list)"
  prefix_list_id    = each.value.id
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port

  tags = merge(var.tags, {
    Name = "${var.name_prefix}-${each.key}"
  })

  lifecycle {
    # Fail the plan, not the apply, when the list no longer fits in the security group.
    precondition {
      condition     = each.value.max_entries <= var.rule_budget
      error_message = "The ${local.families[each.key].address_family} prefix list has max_entries = ${each.value.max_entries}, which counts as that many rules in security group ${var.security_group_id}, but rule_budget is ${var.rule_budget}. Raise the security group rule quota (and rule_budget) or lower max_entries_headroom."
    }
  }
}
