from mikronet.cli.main import main

raise SystemExit(main())
