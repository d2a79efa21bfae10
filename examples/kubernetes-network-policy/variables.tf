variable "namespace" {
  description = "Namespace of the pods that receive Agora's webhooks."
  type        = string
}

variable "pod_labels" {
  description = "Labels selecting the pods that receive Agora's webhooks (the receiver itself, or the ingress controller when it sees the client addresses)."
  type        = map(string)

  validation {
    condition     = length(var.pod_labels) > 0
    error_message = "Give at least one label: an empty selector would isolate every pod in the namespace."
  }
}

variable "port" {
  description = "Port the pods receive the webhooks on (a number, or the name of a container port)."
  type        = string
  default     = "443"
}

variable "name" {
  description = "Name of the NetworkPolicy."
  type        = string
  default     = "agora-ncs-webhooks"
}

variable "min_count" {
  description = "Fail instead of applying if Agora returns fewer addresses than this."
  type        = number
  default     = 1
}

variable "kubeconfig_path" {
  description = "Path of the kubeconfig file. null: the KUBE_CONFIG_PATH environment variable."
  type        = string
  default     = null
}

variable "kubeconfig_context" {
  description = "Context of the kubeconfig to use. null: its current context."
  type        = string
  default     = null
}
