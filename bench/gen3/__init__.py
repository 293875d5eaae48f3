"""gen3: a third, independent generator of brokerage event streams under account-takeover attack."""
