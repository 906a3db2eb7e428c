"""The village assistant's phone offline (issue 19): the pack the phone keeps, the queue it sends back, visit photos."""
