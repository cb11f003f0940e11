"""Contact forms a machine must not send (CAPTCHA, JavaScript only) handed to the operator, with the text to paste."""
