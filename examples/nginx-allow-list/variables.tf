variable "filename" {
  description = "Path of the include file to write. Pick a directory nginx does not include wholesale at http level (Debian's conf.d/*.conf is): include the file inside the location (or server) that receives the webhooks."
  type        = string
  default     = "/etc/nginx/snippets/agora-ncs-allow.conf"
}

variable "reload_command" {
  description = "Command run after the file changes, e.g. \"nginx -t && nginx -s reload\" or \"sudo systemctl reload nginx\". null: none (reload from the pipeline when the allow_list_sha256 output changes)."
  type        = string
  default     = null
}

variable "min_count" {
  description = "Fail instead of writing the file if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}
