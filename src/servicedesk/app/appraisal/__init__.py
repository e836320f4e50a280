"""Staff appraisal (考核评价): drawing, signing and following up a period's appraisal."""
