output "nginx_allow" {
  description = "nginx `allow` lines for Agora's senders, followed by `deny all;`."
  value       = join("\n", concat([for cidr in local.cidrs : "allow ${cidr};"], ["deny all;"]))
}

output "cidr_count" {
  description = "How many CIDR blocks the allow-list holds."
  value       = length(local.cidrs)
}

output "fingerprint" {
  description = "Changes exactly when Agora's address set changes: a good trigger for a reload."
  value       = data.agora_ncs_ips.ncs.fingerprint
}
