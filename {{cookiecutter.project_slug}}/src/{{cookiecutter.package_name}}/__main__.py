"""Allow `python -m {{ cookiecutter.package_name }}` as well as the console script."""

from {{ cookiecutter.package_name }}.cli import main

if __name__ == "__main__":
    main()
