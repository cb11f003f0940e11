"""Contact forms read, judged and filled as plain functions; contact_form_service.py does the network part."""
