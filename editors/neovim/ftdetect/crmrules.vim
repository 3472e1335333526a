" crmrules: files ending in .crmrules have the filetype `crmrules` (neovim 0.7 and later; Vim too).
" Put editors/neovim on the 'runtimepath' (docs/cli.md, "lsp") and neovim reads this at start-up.
autocmd BufRead,BufNewFile *.crmrules setfiletype crmrules
