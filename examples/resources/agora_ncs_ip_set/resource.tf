resource "agora_ncs_ip_set" "ncs" {
  max_removed_percent = 50
  on_fetch_error      = "keep"
  grace_period        = "72h"
  chunk_size          = 60 # AWS allows 60 inbound rules per security group
}

# Import rather than create: the import reads Agora's list during the first plan, so that plan
# already shows every CIDR block ("Creating it" in the resource's documentation). Harmless once
# the set is in state.
import {
  to = agora_ncs_ip_set.ncs
  id = "rtc"
}

resource "aws_security_group" "agora_ncs" {
  count  = length(agora_ncs_ip_set.ncs.cidr_block_chunks)
  name   = "agora-ncs-${count.index}"
  vpc_id = var.vpc_id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = agora_ncs_ip_set.ncs.cidr_block_chunks[count.index]
  }
}
