# A small module that keeps Agora's Notifications IPs as a reviewed allow-list
# (resource "agora_ncs_ip_set") and gives each chunk of CIDR blocks a firewall rule set of its own,
# the documented count-over-chunks layout; terraform_data stands in for the security groups. See
# tests/reviewed_allow_list.tftest.hcl and README.md for testing it without Agora.

terraform {
  required_version = ">= 1.7" # mock_provider, override_resource, override_during

  required_providers {
    agora = {
      source  = "agora/agora"
      version = "~> 0.1"
    }
  }
}

variable "chunk_size" {
  type        = number
  default     = 50
  description = "CIDR blocks per rule set (AWS allows 60 rules per security group)."
}

resource "agora_ncs_ip_set" "ncs" {
  chunk_size     = var.chunk_size
  on_fetch_error = "keep"
}

# One rule set per chunk: the chunks of agora_ncs_ip_set keep their blocks in place, so one
# address more or less at Agora changes one rule set.
resource "terraform_data" "rule_set" {
  count = length(agora_ncs_ip_set.ncs.cidr_block_chunks)
  input = {
    name        = "agora-ncs-${count.index}"
    cidr_blocks = agora_ncs_ip_set.ncs.cidr_block_chunks[count.index]
  }
}

output "rule_sets" {
  value       = [for r in terraform_data.rule_set : r.input]
  description = "Each rule set's name and CIDR blocks."
}

output "last_read_at" {
  value       = agora_ncs_ip_set.ncs.last_read_at
  description = "When Agora last confirmed the published list."
}
