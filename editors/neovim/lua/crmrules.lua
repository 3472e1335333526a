-- The crmrules language server in neovim 0.7 and later (docs/cli.md, "lsp").
--
--   require("crmrules").setup()                      -- `npx crmrules lsp --stdio`
--   require("crmrules").setup({ cmd = { "crmrules", "lsp", "--stdio" } })
--
-- Starts (or reuses) one client per project folder when a buffer of filetype `crmrules` opens
-- (ftdetect/crmrules.vim sets it for *.crmrules): with `vim.lsp.start` on 0.8 and later, with
-- `vim.lsp.start_client` and `vim.lsp.buf_attach_client` on 0.7, which has no `vim.lsp.start`.
-- The code lenses (Simulate, the journey's result, "routes N journeys") run on the server through
-- workspace/executeCommand: `:lua vim.lsp.codelens.run()` on their line shows the result.
local M = {}

--- The folder holding the nearest `.git`, else the file's own folder.
local function root_of(file)
  local dir = vim.fn.fnamemodify(file, ":p:h")
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then return vim.fn.fnamemodify(git, ":p:h:h") end
  return dir
end

local clients = {} -- root folder → client id (neovim 0.7)

function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { "npx", "crmrules", "lsp", "--stdio" }
  local group = vim.api.nvim_create_augroup("crmrules_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "crmrules",
    callback = function(args)
      local root = opts.root_dir or root_of(vim.api.nvim_buf_get_name(args.buf))
      local config = { name = "crmrules", cmd = cmd, root_dir = root, handlers = opts.handlers, on_attach = opts.on_attach }
      if vim.lsp.start then
        vim.lsp.start(config, { bufnr = args.buf })
        return
      end
      local id = clients[root]
      if not id or vim.lsp.client_is_stopped(id) then
        id = vim.lsp.start_client(config)
        clients[root] = id
      end
      if id then vim.lsp.buf_attach_client(args.buf, id) end
    end,
  })
end

return M
