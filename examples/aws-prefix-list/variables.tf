variable "security_group_id" {
  description = "ID of the security group of the webhook receiver (load balancer or instances) that gets the inbound rules."
  type        = string
}

variable "port" {
  description = "TCP port the webhook receiver listens on (Agora delivers over HTTPS)."
  type        = number
  default     = 443

  validation {
    condition     = var.port >= 1 && var.port <= 65535 && floor(var.port) == var.port
    error_message = "The port must be an integer between 1 and 65535."
  }
}

variable "min_count" {
  description = "Fail instead of applying if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}

variable "max_entries_headroom" {
  description = "Free entries to keep in each prefix list; max_entries is the number of CIDR blocks plus this, rounded up to a multiple of it. Every entry of max_entries counts as one rule in the security group, used or not."
  type        = number
  default     = 10

  validation {
    condition     = var.max_entries_headroom >= 1 && floor(var.max_entries_headroom) == var.max_entries_headroom
    error_message = "max_entries_headroom must be a whole number of at least 1."
  }
}

variable "rule_budget" {
  description = "Rules the security group can give to each prefix list: its quota of inbound rules per address family (60 by default in AWS) minus the rules it has besides these."
  type        = number
  default     = 60
}

variable "name_prefix" {
  description = "Prefix of the prefix list names (\"<prefix>-ipv4\", \"<prefix>-ipv6\")."
  type        = string
  default     = "agora-ncs"
}

variable "tags" {
  description = "Extra tags for the prefix lists and the rules."
  type        = map(string)
  default     = {}
}
