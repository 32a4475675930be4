import os

IDENTITY_API = os.environ.get("IDENTITY_API", "https://api.verifyasia.example/v1")
SCREENING_API = os.environ["SCREENING_API"]
