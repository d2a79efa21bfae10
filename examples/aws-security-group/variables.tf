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
  description = "Fail instead of applying if Agora returns fewer addresses than this."
  type        = number
  default     = 1
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
