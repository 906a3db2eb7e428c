"""The assessment (考核): each township's on-time rates and figures over a range of months."""
