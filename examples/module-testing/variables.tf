variable "service" {
  description = "Which product's Notifications IPs (rtc, media_gateway, cloud_recording, cloud_transcoding)."
  type        = string
  default     = "rtc"
}

variable "min_count" {
  description = "Fail instead of publishing fewer addresses than this."
  type        = number
  default     = 1
}
