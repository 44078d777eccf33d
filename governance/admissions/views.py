from flask import Blueprint

bp = Blueprint("admissions", __name__)
