"""What a project is made of, read and checked: the project's folders, form definitions, call settings,
gettext catalogs, and the strict YAML reader they all go through."""
