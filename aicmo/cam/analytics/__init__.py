"""What works: funnels and rates per campaign, channel, grade and template variant. Plain read queries."""
