"""The README's main job: a whole campaign on the embedded database against local stand-ins for the world."""
