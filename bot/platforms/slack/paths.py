"""Where the HTTP listener answers Slack and browsers; the manifest points Slack at the same."""

EVENTS_PATH = "/slack/events"  # commands, events and clicks, signed by Slack
INSTALL_PATH = "/slack/install"  # OAuth mode: the install page (Bolt's default path)
REDIRECT_PATH = "/slack/oauth_redirect"  # OAuth mode: where Slack sends the browser back
