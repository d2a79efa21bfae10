output "allow_list_sha256" {
  description = "SHA-256 of the include file: reload nginx when it changes."
  value       = local_file.allow_list.content_sha256
}

output "fingerprint" {
  description = "sha256 of the Agora address set the file was built from."
  value       = data.agora_ncs_ips.ncs.fingerprint
}

output "filename" {
  description = "Path of the include file."
  value       = local_file.allow_list.filename
}

output "cidr_block_count" {
  description = "Number of IPv4 and IPv6 CIDR blocks allowed (after aggregation)."
  value = {
    ipv4 = length(data.agora_ncs_ips.ncs.cidr_blocks)
    ipv6 = length(data.agora_ncs_ips.ncs.ipv6_cidr_blocks)
  }
}
