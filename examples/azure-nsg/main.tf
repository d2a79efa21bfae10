# Allow Agora's Notifications (NCS) webhook senders through to an HTTPS receiver in Azure, in an
# existing network security group.
#
# The address list is cut into chunks of at most var.chunk_size CIDR blocks and each chunk gets
# its own Inbound Allow rule (source_address_prefixes). IPv4 chunk i has priority
# var.priority_base + i, IPv6 chunk j has var.priority_base + var.ipv6_priority_offset + j, so a
# rule keeps its priority when Agora's list changes, and no two rules ever swap priorities.
#
# Run it on a schedule (at least every 24 hours, as Agora asks). Credentials for Agora come from
# AGORA_CUSTOMER_ID / AGORA_CUSTOMER_SECRET, for Azure from the usual ARM_* variables (with
# ARM_SUBSCRIPTION_ID), a managed identity or `az login`.

terraform {
  required_version = ">= 1.5"

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.0"
    }
  }
}

provider "agora" {}

provider "azurerm" {
  features {}
}

data "agora_ncs_ips" "ncs" {
  chunk_size = var.chunk_size
  # Merge adjacent addresses into the fewest CIDR blocks covering exactly the same addresses:
  # fewer prefixes against the security group's limit.
  aggregate = true
  # An answer with fewer addresses than this fails the run instead of shrinking the allow-list.
  min_count = var.min_count
}

locals {
  ipv4_chunks = data.agora_ncs_ips.ncs.cidr_block_chunks
  ipv6_chunks = data.agora_ncs_ips.ncs.ipv6_cidr_block_chunks
}

resource "azurerm_network_security_rule" "agora_ncs_ipv4" {
  count = length(local.ipv4_chunks)

  name                        = "${var.name_prefix}-ipv4-${count.index}"
  description                 = "Agora Notifications (NCS) webhook senders, IPv4 chunk ${count.index}, managed by Terraform"
  resource_group_name         = var.resource_group_name
  network_security_group_name = var.network_security_group_name

  priority  = var.priority_base + count.index
  direction = "Inbound"
  access    = "Allow"
  protocol  = "Tcp"

  source_address_prefixes    = local.ipv4_chunks[count.index]
  source_port_range          = "*"
  destination_address_prefix = var.destination_address_prefix
  destination_port_range     = tostring(var.port)

  lifecycle {
    precondition {
      condition     = length(local.ipv4_chunks) <= var.ipv6_priority_offset && var.priority_base + count.index <= 4096
      error_message = "${length(local.ipv4_chunks)} IPv4 rules do not fit: they need priorities ${var.priority_base} to ${var.priority_base + length(local.ipv4_chunks) - 1}, below the IPv6 rules (priority_base + ipv6_priority_offset) and at most 4096. Raise chunk_size or ipv6_priority_offset."
    }
  }
}

resource "azurerm_network_security_rule" "agora_ncs_ipv6" {
  count = length(local.ipv6_chunks)

  name                        = "${var.name_prefix}-ipv6-${count.index}"
  description                 = "Agora Notifications (NCS) webhook senders, IPv6 chunk ${count.index}, managed by Terraform"
  resource_group_name         = var.resource_group_name
  network_security_group_name = var.network_security_group_name

  priority  = var.priority_base + var.ipv6_priority_offset + count.index
  direction = "Inbound"
  access    = "Allow"
  protocol  = "Tcp"

  source_address_prefixes    = local.ipv6_chunks[count.index]
  source_port_range          = "*"
  destination_address_prefix = var.destination_address_prefix
  destination_port_range     = tostring(var.port)

  lifecycle {
    precondition {
      condition     = var.priority_base + var.ipv6_priority_offset + count.index <= 4096
      error_message = "IPv6 rule ${count.index} would get priority ${var.priority_base + var.ipv6_priority_offset + count.index}; Azure allows at most 4096. Lower priority_base or ipv6_priority_offset, or raise chunk_size."
    }
  }
}
