output "security_group_ids" {
  description = "Attach all of these to the webhook receiver (load balancer or instances)."
  value       = aws_security_group.agora_ncs[*].id
}

output "fingerprint" {
  description = "sha256 of the Agora address set the groups were built from."
  value       = data.agora_ncs_ips.ncs.fingerprint
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed."
  value = {
    ipv4 = length(data.agora_ncs_ips.ncs.cidr_blocks)
    ipv6 = length(data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
  }
}
