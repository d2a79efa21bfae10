variable "vpc_id" {
  description = "ID of the VPC the webhook receiver runs in."
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
  description = "Fail the plan instead of publishing a list if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}

variable "max_removed_percent" {
  description = "Fail the plan, listing the addresses, if Agora's answer lacks more than this percentage of the published addresses. Set to 100 for one run (-var max_removed_percent=100) to accept an expected large removal."
  type        = number
  default     = 50

  validation {
    condition     = var.max_removed_percent >= 0 && var.max_removed_percent <= 100 && floor(var.max_removed_percent) == var.max_removed_percent
    error_message = "max_removed_percent must be a whole number from 0 to 100."
  }
}

variable "reserved_rules" {
  description = "Inbound rules to leave free in each security group for rules you add yourself (AWS allows 60 per group, counted separately for IPv4 and IPv6). Each group holds at most 60 minus this many Agora CIDR blocks per family."
  type        = number
  default     = 0

  validation {
    condition     = var.reserved_rules >= 0 && var.reserved_rules <= 59 && floor(var.reserved_rules) == var.reserved_rules
    error_message = "reserved_rules must be a whole number from 0 to 59."
  }
}

variable "name_prefix" {
  description = "Prefix of the security group names."
  type        = string
  default     = "agora-ncs"
}

variable "tags" {
  description = "Extra tags for every security group."
  type        = map(string)
  default     = {}
}
