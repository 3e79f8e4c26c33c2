"""Monitoring of the deployed model: has the data it scores drifted from the data it learned on?"""
