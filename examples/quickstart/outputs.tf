output "ip_addresses" {
  description = "All NCS sender addresses: IPv4 first, each family sorted numerically."
  value       = data.agora_ncs_ips.ncs.ip_addresses
}

output "cidr_blocks" {
  description = "The IPv4 addresses as /32 CIDR blocks, ready for firewall rules."
  value       = data.agora_ncs_ips.ncs.cidr_blocks
}

output "ipv6_cidr_blocks" {
  description = "The IPv6 addresses as /128 CIDR blocks (may be empty)."
  value       = data.agora_ncs_ips.ncs.ipv6_cidr_blocks
}

output "fingerprint" {
  description = "sha256 of the address set: changes exactly when the set changes."
  value       = data.agora_ncs_ips.ncs.fingerprint
}
