from privacylint.cli import run

run()
