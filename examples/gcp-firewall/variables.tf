variable "network" {
  description = "Name or self_link of the VPC network the webhook receiver runs in."
  type        = string
}

variable "target_tags" {
  description = "Network tags of the instances that receive the webhooks; the rules apply to these instances only."
  type        = set(string)

  validation {
    condition     = length(var.target_tags) > 0
    error_message = "Give at least one target tag: without one the rules would apply to every instance in the network."
  }
}

variable "project" {
  description = "Project of the network. null: the provider's default (GOOGLE_PROJECT or the credentials' project)."
  type        = string
  default     = null
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

variable "priority" {
  description = "Priority of the rules (0-65535, lower wins)."
  type        = number
  default     = 1000
}

variable "min_count" {
  description = "Fail instead of applying if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}

variable "name_prefix" {
  description = "Prefix of the firewall rule names (\"<prefix>-ipv4-0\", ...): lowercase letters, digits and dashes, starting with a letter."
  type        = string
  default     = "agora-ncs"

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,40}[a-z0-9])?$", var.name_prefix))
    error_message = "name_prefix must start with a lowercase letter, contain only lowercase letters, digits and dashes, not end with a dash, and be at most 42 characters (rule names are at most 63)."
  }
}
