"""`python -m bot.worker`: a process that takes queued jobs, computes and stores their runs and
answers each interaction itself through its webhook. It never imports the gateway client.
"""
