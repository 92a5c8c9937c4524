// A real pwsh for the test command: the official pwsh's Main is this one call.
return Microsoft.PowerShell.UnmanagedPSEntry.Start(args, args.Length);
