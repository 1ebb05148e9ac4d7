def paper_account_open(*, user): raise NotImplementedError
