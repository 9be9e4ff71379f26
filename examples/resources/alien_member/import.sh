# A person is imported by email, by member id (once active) or by invitation id (while invited).
terraform import alien_member.jane jane.doe@example.com
terraform import alien_member.jane mem_abcdefghijklmnop
terraform import alien_member.jane inv_abcdefghijklmnop
