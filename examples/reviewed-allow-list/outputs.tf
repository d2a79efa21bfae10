output "security_group_ids" {
  description = "Attach all of these to the webhook receiver (load balancer or instances)."
  value       = aws_security_group.agora_ncs[*].id
}

output "fingerprint" {
  description = "sha256 of the published Agora address set the groups were built from."
  value       = agora_ncs_ip_set.ncs.fingerprint
}

output "freshness" {
  description = "When the published set last changed, and when Agora last confirmed it (UTC)."
  value = {
    changed_at   = agora_ncs_ip_set.ncs.changed_at
    last_read_at = agora_ncs_ip_set.ncs.last_read_at
  }
}

output "pending_removal" {
  description = "Addresses Agora no longer publishes that stay allowed for their grace period, with the time they leave (UTC)."
  value       = agora_ncs_ip_set.ncs.pending_removal
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed."
  value = {
    ipv4 = length(agora_ncs_ip_set.ncs.cidr_blocks)
    ipv6 = length(agora_ncs_ip_set.ncs.ipv6_cidr_blocks)
  }
}
