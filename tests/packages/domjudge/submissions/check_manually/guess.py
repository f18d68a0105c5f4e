# DOMjudge's check_manually/: any verdict passes verify; a human looks.
print(42)
