"""The form pages the local test site serves: one of each kind a real website has."""


def html(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><title>t</title>{head}</head><body>{body}</body></html>"


PLAIN = html("""
<h1>Contact us</h1>
<form method="post" action="/contact">
  <label for="name">Your name</label> <input id="name" name="name" required>
  <label for="email">Email</label> <input id="email" type="email" name="email" required>
  <label for="company">Company</label> <input id="company" name="company">
  <label for="phone">Phone</label> <input id="phone" type="tel" name="phone">
  <label for="subject">Subject</label> <input id="subject" name="subject">
  <label for="message">Message</label> <textarea id="message" name="message" required></textarea>
  <button type="submit">Send</button>
</form>""")

GERMAN_LABELS_ONLY = html("""
<h2>Schreiben Sie uns</h2>
<form method="post" action="/kontakt/senden">
  <p><label for="f1">Vorname *</label><input id="f1" name="f1" type="text" required></p>
  <p><label for="f2">Nachname *</label><input id="f2" name="f2" type="text" required></p>
  <p><label for="f3">E-Mail-Adresse *</label><input id="f3" name="f3" type="text" required></p>
  <p><label for="f4">Firma</label><input id="f4" name="f4" type="text"></p>
  <p><label for="f5">Telefonnummer</label><input id="f5" name="f5" type="text"></p>
  <p><label for="f6">Betreff</label><input id="f6" name="f6" type="text"></p>
  <p><label for="f7">Ihre Nachricht *</label><textarea id="f7" name="f7" required></textarea></p>
  <p><input type="checkbox" id="f8" name="f8" value="ja" required>
     <label for="f8">Ich habe die Datenschutzerklärung gelesen und bin einverstanden. *</label></p>
  <p><input type="checkbox" id="f9" name="f9" value="ja">
     <label for="f9">Ja, ich möchte den Newsletter erhalten.</label></p>
  <input type="submit" value="Absenden">
</form>""")

SELECT_AND_TEXTAREA = html("""
<form method="post" action="/inquiry">
  <label>Full name <input name="fullname" required></label>
  <label>Work email <input name="workemail" type="email" required></label>
  <label>Topic
    <select name="topic" required>
      <option value="">-- Please choose --</option>
      <option value="support">Support</option>
      <option value="sales">Sales enquiry</option>
      <option value="press">Press</option>
    </select></label>
  <label>Country <select name="country"><option value="">Choose</option><option>France</option></select></label>
  <label>How can we help? <textarea name="details" required></textarea></label>
  <input type="submit" name="send" value="Send request">
</form>""")


def csrf_multipart(token: str) -> str:
    return html(f"""
<form method="post" action="/secure" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{token}">
  <input type="hidden" name="form_id" value="contact-7">
  <label for="n">Nom</label><input id="n" name="nom" required>
  <label for="p">Prénom</label><input id="p" name="prenom" required>
  <label for="c">Courriel</label><input id="c" name="courriel" type="email" required>
  <label for="s">Société</label><input id="s" name="societe">
  <label for="m">Message</label><textarea id="m" name="msg" required></textarea>
  <label><input type="checkbox" name="rgpd" value="1" required> J'accepte la politique de confidentialité</label>
  <button>Envoyer</button>
</form>""")


THREE_FORMS = html("""
<header><form role="search" action="/search" method="get" class="search-form">
  <input type="search" name="s" placeholder="Search…"><button>Search</button></form></header>
<main><h1>Get in touch</h1>
<form action="/contact-submit" method="post" id="contact-form" class="wpcf7-form">
  <input name="your-name" placeholder="Your name" required>
  <input name="your-email" type="email" placeholder="Your email" required>
  <textarea name="your-message" placeholder="Your message"></textarea>
  <input type="submit" value="Send">
</form></main>
<footer><form action="/newsletter" method="post" class="newsletter-signup">
  <h4>Subscribe to our newsletter</h4>
  <input type="email" name="EMAIL" placeholder="Email address"><input type="submit" value="Subscribe"></form>
</footer>""")

RECAPTCHA = html("""
<form method="post" action="/contact">
  <input name="name"><input name="email" type="email"><textarea name="message"></textarea>
  <div class="g-recaptcha" data-sitekey="6Lc_fake"></div>
  <button type="submit">Send</button>
</form>""", head='<script src="https://www.google.com/recaptcha/api.js" async defer></script>')

HONEYPOT = html("""
<style>.hp-wrap { position: absolute; left: -9999px; }</style>
<form method="post" action="/contact">
  <label for="n">Name</label><input id="n" name="name" required>
  <label for="e">Email</label><input id="e" name="email" type="email" required>
  <div class="hp-wrap"><label for="w">Website</label><input id="w" name="website" tabindex="-1"></div>
  <p style="display:none"><label>Leave this field empty <input name="comment_check"></label></p>
  <input name="fax" type="text">
  <label for="m">Message</label><textarea id="m" name="message" required></textarea>
  <button type="submit">Send</button>
</form>""")

JS_ONLY = html("""
<div id="contact"><h2>Contact</h2>
  <div class="field"><input id="email" type="email" placeholder="Email"></div>
  <div class="field"><textarea id="message" placeholder="Message"></textarea></div>
  <button type="button" onclick="sendMessage()">Send</button></div>
<script>function sendMessage(){ fetch('/api/contact', {method: 'POST'}); }</script>""")

HOME_LINKING_TO_KONTAKT = html("""
<nav><a href="/">Start</a> <a href="/leistungen">Leistungen</a> <a href="/ueber-uns">Über uns</a>
<a href="/kontakt">Kontakt</a> <a href="https://elsewhere.example/contact">Partner</a></nav>
<footer><form action="/newsletter" method="post"><input type="email" name="email"><button>Abonnieren</button></form>
</footer>""")

FORM_WITH_ERRORS = html("""
<form method="post" action="/contact">
  <div class="alert alert-danger">Please correct the errors below.</div>
  <input name="name" value="Sam Sender">
  <input name="email" type="email" aria-invalid="true"><span class="error">This email address is invalid.</span>
  <textarea name="message"></textarea>
  <button type="submit">Send</button>
</form>""")

THANK_YOU = html("<h1>Thank you!</h1><p>Your message has been sent. We will get back to you soon.</p>")


def german_topic_select(options: str) -> str:
    """A German form whose required "Anliegen" select starts on "Bitte wählen" (value "0", selected)."""
    return html(f"""
<form method="post" action="/kontakt/senden">
  <label>Name * <input name="name" required></label>
  <label>E-Mail * <input name="email" type="email" required></label>
  <label>Ihr Anliegen *
    <select name="anliegen" required>
      <option value="0" selected>Bitte wählen</option>
      {options}
    </select></label>
  <label>Nachricht * <textarea name="nachricht" required></textarea></label>
  <input type="submit" value="Absenden">
</form>""")
