output "prefix_list_ids" {
  description = "IDs of the prefix lists by address family (ipv6 only while Agora publishes IPv6 addresses); reference them from other security groups or route tables as well."
  value       = { for family, list in aws_ec2_managed_prefix_list.agora_ncs : family => list.id }
}

output "max_entries" {
  description = "max_entries of each prefix list: the number of rules it uses in every security group that references it."
  value       = { for family, list in aws_ec2_managed_prefix_list.agora_ncs : family => list.max_entries }
}

output "security_group_rule_ids" {
  description = "IDs of the inbound rules added to var.security_group_id."
  value       = { for family, rule in aws_vpc_security_group_ingress_rule.agora_ncs : family => rule.security_group_rule_id }
}

output "fingerprint" {
  description = "sha256 of the Agora address set the prefix lists were built from."
  value       = data.agora_ncs_ips.ncs.fingerprint
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed (after aggregation)."
  value = {
    ipv4 = length(data.agora_ncs_ips.ncs.cidr_blocks)
    ipv6 = length(data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
  }
}
