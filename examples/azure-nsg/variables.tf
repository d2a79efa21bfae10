variable "resource_group_name" {
  description = "Resource group of the network security group."
  type        = string
}

variable "network_security_group_name" {
  description = "Name of the existing network security group (on the receiver's subnet or network interface) that gets the rules."
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

variable "destination_address_prefix" {
  description = "Destination of the rules: \"*\", a CIDR block or a service tag such as \"VirtualNetwork\"; narrow it to the receiver's private address where you can."
  type        = string
  default     = "*"
}

variable "priority_base" {
  description = "Priority of the first IPv4 rule; chunk i gets priority_base + i. Keep the range free of your own inbound rules."
  type        = number
  default     = 1000

  validation {
    condition     = var.priority_base >= 100 && var.priority_base <= 4096 && floor(var.priority_base) == var.priority_base
    error_message = "priority_base must be a whole number from 100 to 4096."
  }
}

variable "ipv6_priority_offset" {
  description = "The IPv6 rules start at priority_base + this; it is also the most IPv4 rules there can be."
  type        = number
  default     = 50

  validation {
    condition     = var.ipv6_priority_offset >= 1 && floor(var.ipv6_priority_offset) == var.ipv6_priority_offset
    error_message = "ipv6_priority_offset must be a whole number of at least 1."
  }
}

variable "chunk_size" {
  description = "Most CIDR blocks (source_address_prefixes) per rule."
  type        = number
  default     = 100

  validation {
    condition     = var.chunk_size >= 1 && var.chunk_size <= 1000 && floor(var.chunk_size) == var.chunk_size
    error_message = "chunk_size must be a whole number from 1 to 1000."
  }
}

variable "min_count" {
  description = "Fail instead of applying if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}

variable "name_prefix" {
  description = "Prefix of the rule names (\"<prefix>-ipv4-0\", ...)."
  type        = string
  default     = "agora-ncs"
}
