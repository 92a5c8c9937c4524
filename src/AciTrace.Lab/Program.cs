return await AciTrace.Lab.LabCli.RunAsync(args);
