data "agora_ncs_ips" "ncs" {
  chunk_size = 50 # AWS allows 60 rules per security group
}

resource "aws_security_group" "agora_ncs" {
  count  = length(data.agora_ncs_ips.ncs.cidr_block_chunks)
  name   = "agora-ncs-${count.index}"
  vpc_id = var.vpc_id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = data.agora_ncs_ips.ncs.cidr_block_chunks[count.index]
  }
  tags = { agora_ncs_fingerprint = data.agora_ncs_ips.ncs.fingerprint }
}
