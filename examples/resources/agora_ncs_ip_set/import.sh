terraform import agora_ncs_ip_set.example rtc
