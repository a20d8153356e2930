module github.com/jedi-neuro/jedi

go 1.26.0
