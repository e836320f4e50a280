"""The visit: dispatch within the requester's expected window, and the call ahead."""
